{#-
Hand-written DuckDB baseline: the raw values and scores of a health model's signals for every
account, in one query (bench only: bench/score.py times it against `csa score`).

Written the way an analytics engineer writes a dbt model: the SQL of each signal kind by hand,
a Jinja loop over the model's signals of that kind, every number and name filled from
health_model.yaml by bench/baselines/handwritten.py (`| sql` writes a value as an SQL literal).
One GROUP BY per source table computes the aggregates of every signal that reads it.

Windows (docs/engine.md, "Signals"): `since(s)` is `end - window_days`, `end` the day after the
as-of date at 00:00; rows at or after `end` do not exist for the snapshot.
Output: one row per account x signal with the raw value, signal score, effective weight and
points, the category score and the account's health score, band and coverage.
-#}
{%- macro due(m) -%}
(b.age_days >= {{ m.day }}{% if m.get("segments") %} AND coalesce(b.segment IN {{ m.segments | inlist }}, false){% endif %})
{%- endmacro -%}
{%- macro sla_hours(s) -%}
CASE lower(priority){% for priority, hours in s.params.sla_hours.items() %} WHEN {{ priority | lower | sql }} THEN {{ hours | float | sql }}{% endfor %} END
{%- endmacro -%}
COPY (
WITH
-- Accounts scored on the as-of date: not churned by then, started by then.
accounts AS (
    SELECT account_id, segment, seats, renewal_date,
           coalesce(contract_start, CAST(created_at AS DATE)) AS start
    FROM read_parquet({{ files.accounts | sql }})
    WHERE account_id IS NOT NULL AND (churned_at IS NULL OR churned_at >= {{ end | sql }})
),
base AS (
    SELECT *, date_diff('day', start, {{ as_of | sql }}) AS age_days
    FROM accounts
    WHERE start IS NULL OR start <= {{ as_of | sql }}
),
{%- if reads("events") %}
-- Read twice below (all rows, recent rows): not materialised, each reader scans the file.
events AS NOT MATERIALIZED (
    SELECT account_id, user_id, ts, event, coalesce(quantity, 1) AS quantity
    FROM read_parquet({{ files.events | sql }})
    WHERE ts < {{ end | sql }}
),
-- One pass over all events for sums, counts and last-seen times.
event_totals AS (
    SELECT account_id
    {%- for s in kind.usage_trend %},
           sum(quantity) FILTER (WHERE ts >= {{ since(s) | sql }} AND event IN {{ s.params.events | inlist }})
               AS {{ s.id }}__current,
           sum(quantity) FILTER (WHERE ts >= {{ since(s, 2) | sql }} AND ts < {{ since(s) | sql }}
                                   AND event IN {{ s.params.events | inlist }}) AS {{ s.id }}__previous
    {%- endfor %}
    {%- for s in kind.days_since_last_activity %},
           max(ts) FILTER (WHERE event IN {{ s.params.events | inlist }}) AS {{ s.id }}__last
    {%- endfor %}
    {%- for s in kind.value_event_frequency %},
           count(*) FILTER (WHERE ts >= {{ since(s) | sql }} AND event IN {{ s.params.events | inlist }})
               AS {{ s.id }}__value
    {%- endfor %}
    {%- for s in kind.onboarding_progress %}{% for m in s.params.milestones %},
           count(*) FILTER (WHERE event = {{ m.event | sql }}) AS {{ s.id }}__m{{ loop.index }}
    {%- endfor %}{% endfor %}
    FROM events
    GROUP BY account_id
),
-- Distinct counts only over the recent rows they look at.
recent_events AS (
    SELECT account_id
    {%- for s in kind.active_user_ratio %},
           count(DISTINCT user_id) FILTER (WHERE ts >= {{ since(s) | sql }} AND event IN {{ s.params.events | inlist }})
               AS {{ s.id }}__active
    {%- endfor %}
    {%- for s in kind.feature_breadth %},
           count(DISTINCT event) FILTER (WHERE ts >= {{ since(s) | sql }} AND event IN {{ s.params.features | inlist }})
               AS {{ s.id }}__used
    {%- endfor %}
    FROM events
    WHERE ts >= {{ earliest("active_user_ratio", "feature_breadth") | sql }}
    GROUP BY account_id
),
{%- endif %}
{%- if reads("users") %}
user_totals AS (
    SELECT account_id, count(*) FILTER (WHERE deactivated_at IS NULL OR deactivated_at >= {{ end | sql }}) AS active
    FROM read_parquet({{ files.users | sql }})
    WHERE created_at IS NULL OR created_at < {{ end | sql }}
    GROUP BY account_id
),
{%- endif %}
{%- if reads("tickets") %}
tickets AS (
    SELECT account_id, created_at, csat,
           first_response_at IS NOT NULL AND first_response_at < {{ end | sql }} AS answered,
           (epoch(first_response_at) - epoch(created_at)) / 3600.0 AS response_hours,
           (epoch({{ end | sql }}) - epoch(created_at)) / 3600.0 AS open_hours
    {%- for s in kind.first_response_sla %},
           -- the first-response SLA of the ticket's priority; NULL for priorities without one
           {{ sla_hours(s) }} AS {{ s.id }}__sla
    {%- endfor %}
    FROM read_parquet({{ files.tickets | sql }})
    WHERE created_at < {{ end | sql }}
),
ticket_totals AS (
    SELECT account_id
    {%- for s in kind.tickets_per_seat %},
           count(*) FILTER (WHERE created_at >= {{ since(s) | sql }}) AS {{ s.id }}__opened
    {%- endfor %}
    {%- for s in kind.first_response_sla %},
           count(*) FILTER (WHERE created_at >= {{ since(s) | sql }} AND answered
                              AND response_hours <= {{ s.id }}__sla) AS {{ s.id }}__met,
           -- a ticket counts once answered, or once its SLA has run out unanswered
           count(*) FILTER (WHERE created_at >= {{ since(s) | sql }} AND {{ s.id }}__sla IS NOT NULL
                              AND (answered OR open_hours >= {{ s.id }}__sla)) AS {{ s.id }}__counted
    {%- endfor %}
    {%- for s in kind.ticket_csat %},
           count(*) FILTER (WHERE created_at >= {{ since(s) | sql }} AND csat IS NOT NULL) AS {{ s.id }}__rated,
           count(*) FILTER (WHERE created_at >= {{ since(s) | sql }} AND csat >= {{ (s.params.scale_max - 1) | float | sql }})
               AS {{ s.id }}__top
    {%- endfor %}
    FROM tickets
    GROUP BY account_id
),
{%- endif %}
{%- if reads("surveys") %}
-- Each respondent's latest valid NPS answer within the longest survey window; a signal with a
-- shorter window keeps it only if it falls in its own window.
latest_answers AS (
    SELECT account_id, ts, score
    FROM read_parquet({{ files.surveys | sql }})
    WHERE ts < {{ end | sql }} AND ts >= {{ earliest("nps", "detractor_share") | sql }}
      AND (kind IS NULL OR lower(kind) = 'nps') AND score BETWEEN 0 AND 10 AND score = round(score)
    QUALIFY row_number() OVER (PARTITION BY account_id, coalesce(user_id, CAST(ts AS VARCHAR))
                               ORDER BY ts DESC, score DESC) = 1
),
survey_totals AS (
    SELECT account_id
    {%- for s in kind.nps + kind.detractor_share %},
           count(*) FILTER (WHERE ts >= {{ since(s) | sql }}) AS {{ s.id }}__n,
           count(*) FILTER (WHERE ts >= {{ since(s) | sql }} AND score >= 9) AS {{ s.id }}__promoters,
           count(*) FILTER (WHERE ts >= {{ since(s) | sql }} AND score <= 6) AS {{ s.id }}__detractors
    {%- endfor %}
    FROM latest_answers
    GROUP BY account_id
),
{%- endif %}
{%- for s in kind.csm_sentiment %}
-- The CSM's latest rating that has not expired.
{{ s.id }}__rating AS (
    SELECT account_id, rating
    FROM read_parquet({{ files.sentiment | sql }})
    WHERE ts < {{ end | sql }} AND rating BETWEEN 0 AND {{ s.params.scale_max | float | sql }}
      AND (expires_at IS NULL OR expires_at >= {{ end | sql }})
    QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY ts DESC, rating ASC) = 1
),
{%- endfor %}
{%- if reads("payments") %}
payments AS NOT MATERIALIZED (
    SELECT account_id, ts, invoice_id, lower(status) AS status
    FROM read_parquet({{ files.payments | sql }})
    WHERE ts < {{ end | sql }}
),
-- An invoice is one failed payment however often it was retried, and none once paid.
invoices AS (
    SELECT account_id, invoice_id, count(*) FILTER (WHERE status = 'succeeded') AS paid
    {%- for s in kind.failed_payments %},
           count(*) FILTER (WHERE status = 'failed' AND ts >= {{ since(s) | sql }}) AS {{ s.id }}__failed
    {%- endfor %}
    FROM payments
    WHERE invoice_id IS NOT NULL
    GROUP BY account_id, invoice_id
),
payment_totals AS (
    SELECT account_id
    {%- for s in kind.failed_payments %},
           count(*) FILTER (WHERE {{ s.id }}__failed > 0 AND paid = 0) AS {{ s.id }}__unpaid
    {%- endfor %}
    FROM invoices
    GROUP BY account_id
),
loose_payments AS (  -- failed payments without an invoice id count one each
    SELECT account_id
    {%- for s in kind.failed_payments %},
           count(*) FILTER (WHERE status = 'failed' AND ts >= {{ since(s) | sql }}) AS {{ s.id }}__loose
    {%- endfor %}
    FROM payments
    WHERE invoice_id IS NULL
    GROUP BY account_id
),
{%- endif %}
{%- if reads("touchpoints") %}
touchpoint_totals AS (
    SELECT account_id
    {%- for s in kind.days_since_touchpoint %},
           max(ts) FILTER (WHERE lower(kind) IN {{ s.params.kinds | map("lower") | list | inlist }}) AS {{ s.id }}__last
    {%- endfor %}
    {%- for s in kind.qbr_cadence %},
           max(ts) FILTER (WHERE lower(kind) = 'qbr') AS {{ s.id }}__last
    {%- endfor %}
    {%- for s in kind.executive_engagement %},
           count(*) FILTER (WHERE ts >= {{ since(s) | sql }} AND coalesce(with_executive, false)) AS {{ s.id }}__exec
    {%- endfor %}
    FROM read_parquet({{ files.touchpoints | sql }})
    WHERE ts < {{ end | sql }}
    GROUP BY account_id
),
{%- endif %}
-- Raw values, one column per signal (NULL = no data for this account).
raw_values AS (
    SELECT b.account_id, b.segment, b.age_days
    {%- for s in kind.active_user_ratio %},
           -- seats, else the account's active users when its seat count is unknown
           coalesce(r.{{ s.id }}__active, 0)
               / CASE WHEN b.seats > 0 THEN b.seats WHEN u.active > 0 THEN u.active END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.usage_trend %},
           CASE WHEN e.{{ s.id }}__previous > 0 THEN coalesce(e.{{ s.id }}__current, 0) / e.{{ s.id }}__previous END
               AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.days_since_last_activity %},
           coalesce(date_diff('day', CAST(e.{{ s.id }}__last AS DATE), {{ as_of | sql }}), b.age_days) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.feature_breadth %},
           coalesce(r.{{ s.id }}__used, 0) / {{ s.params.features | length }} AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.value_event_frequency %},
           coalesce(e.{{ s.id }}__value, 0) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.onboarding_progress %},
           -- milestones done / due by the account's age (and segment); 1 when none is due yet
           CASE WHEN b.age_days IS NOT NULL THEN coalesce(
               ({% for m in s.params.milestones %}{% if not loop.first %} + {% endif %}({{ due(m) }} AND coalesce(e.{{ s.id }}__m{{ loop.index }}, 0) >= {{ m.get("count", 1) }})::INTEGER{% endfor %})
               / nullif({% for m in s.params.milestones %}{% if not loop.first %} + {% endif %}{{ due(m) }}::INTEGER{% endfor %}, 0),
               1.0) END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.tickets_per_seat %},
           CASE WHEN b.seats > 0 THEN coalesce(t.{{ s.id }}__opened, 0) / b.seats END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.first_response_sla %},
           CASE WHEN t.{{ s.id }}__counted > 0 THEN t.{{ s.id }}__met / t.{{ s.id }}__counted END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.ticket_csat %},
           CASE WHEN t.{{ s.id }}__rated > 0 THEN t.{{ s.id }}__top / t.{{ s.id }}__rated END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.nps %},
           CASE WHEN sv.{{ s.id }}__n > 0 THEN (sv.{{ s.id }}__promoters - sv.{{ s.id }}__detractors) * 100.0 / sv.{{ s.id }}__n END
               AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.detractor_share %},
           CASE WHEN sv.{{ s.id }}__n > 0 THEN sv.{{ s.id }}__detractors / sv.{{ s.id }}__n END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.csm_sentiment %},
           {{ s.id }}__rating.rating AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.seat_utilisation %},
           CASE WHEN b.seats > 0 THEN coalesce(u.active, 0) / b.seats END AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.failed_payments %},
           coalesce(p.{{ s.id }}__unpaid, 0) + coalesce(lp.{{ s.id }}__loose, 0) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.days_to_renewal %},
           date_diff('day', {{ as_of | sql }}, b.renewal_date) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.days_since_touchpoint %},
           coalesce(date_diff('day', CAST(tp.{{ s.id }}__last AS DATE), {{ as_of | sql }}), b.age_days) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.executive_engagement %},
           coalesce(tp.{{ s.id }}__exec, 0) AS {{ s.id }}
    {%- endfor %}
    {%- for s in kind.qbr_cadence %},
           -- cadence / days since the last QBR (else since the start), at most 1; greatest()
           -- skips NULLs, so an account with neither has no value
           CASE WHEN tp.{{ s.id }}__last IS NOT NULL OR b.age_days IS NOT NULL THEN
               {{ s.params.cadence_days }} / greatest(coalesce(date_diff('day', CAST(tp.{{ s.id }}__last AS DATE), {{ as_of | sql }}),
                                                            b.age_days), {{ s.params.cadence_days }})
           END AS {{ s.id }}
    {%- endfor %}
    FROM base AS b
    {%- if reads("events") %}
    LEFT JOIN event_totals AS e USING (account_id)
    LEFT JOIN recent_events AS r USING (account_id)
    {%- endif %}
    {%- if reads("users") %}
    LEFT JOIN user_totals AS u USING (account_id)
    {%- endif %}
    {%- if reads("tickets") %}
    LEFT JOIN ticket_totals AS t USING (account_id)
    {%- endif %}
    {%- if reads("surveys") %}
    LEFT JOIN survey_totals AS sv USING (account_id)
    {%- endif %}
    {%- for s in kind.csm_sentiment %}
    LEFT JOIN {{ s.id }}__rating USING (account_id)
    {%- endfor %}
    {%- if reads("payments") %}
    LEFT JOIN payment_totals AS p USING (account_id)
    LEFT JOIN loose_payments AS lp USING (account_id)
    {%- endif %}
    {%- if reads("touchpoints") %}
    LEFT JOIN touchpoint_totals AS tp USING (account_id)
    {%- endif %}
),
-- Scoring (docs/engine.md, "Scores"): one row per account x signal with the model's rule for it
-- (id, category, weights, the segments it applies to, standard and tenure scoring).
spec AS (
    SELECT unnest(signal) FROM (SELECT unnest({{ signals | sql }}) AS signal)
),
long AS (
    SELECT r.account_id, s.signal_id, s.category, s.category_weight, s.weight,
           -- a signal scoped to other segments does not apply to the account: no data for it
           len(s.segments) = 0 OR coalesce(list_contains(s.segments, r.segment), false) AS applies,
           CASE WHEN applies THEN CAST(r.raw AS DOUBLE) END AS raw,
           CASE WHEN s.tenure_days IS NOT NULL AND r.age_days < s.tenure_days THEN s.tenure ELSE s.standard END
               AS rule
    FROM raw_values
        UNPIVOT INCLUDE NULLS (raw FOR signal_id IN (COLUMNS(* EXCLUDE (account_id, segment, age_days)))) AS r
    JOIN spec AS s USING (signal_id)
),
signal_scores AS (
    SELECT account_id, signal_id, category, category_weight, weight, applies, raw,
           CASE
               WHEN raw IS NULL THEN NULL
               WHEN rule.linear THEN least(greatest((raw - rule.bad) * (100.0 / (rule.good - rule.bad)), 0.0), 100.0)
               ELSE coalesce(
                   rule.scores[list_position(
                       list_transform(rule.thresholds, x -> CASE WHEN rule.higher THEN raw >= x ELSE raw <= x END),
                       true)],
                   rule.otherwise)
           END AS signal_score
    FROM long
),
category_scores AS (
    SELECT *,
           sum(weight) FILTER (WHERE signal_score IS NOT NULL)
               OVER (PARTITION BY account_id, category) AS category_present,
           sum(signal_score * weight) OVER (PARTITION BY account_id, category)
               / category_present AS category_score
    FROM signal_scores
),
account_scores AS (
    SELECT account_id,
           sum(category_score * category_weight)
               / nullif(sum(category_weight) FILTER (WHERE category_score IS NOT NULL), 0) AS health,
           sum(category_weight) FILTER (WHERE category_score IS NOT NULL) AS categories_present
    FROM (SELECT DISTINCT account_id, category, category_weight, category_score FROM category_scores)
    GROUP BY account_id
),
-- Coverage: the share of the weight that applies to the account (its segment) that had data.
category_coverage AS (
    SELECT account_id, category, any_value(category_weight) AS category_weight,
           sum(weight) FILTER (WHERE applies) AS applicable,
           coalesce(sum(weight) FILTER (WHERE signal_score IS NOT NULL), 0) AS had
    FROM signal_scores
    GROUP BY account_id, category
),
coverage AS (
    SELECT account_id,
           round(coalesce(100.0 * sum(category_weight * had / applicable) FILTER (WHERE applicable > 0)
                          / nullif(sum(category_weight) FILTER (WHERE applicable > 0), 0), 0.0), 6) AS coverage
    FROM category_coverage
    GROUP BY account_id
)
SELECT c.account_id, c.signal_id, c.category, c.raw, c.signal_score,
       coalesce(100.0 * c.category_weight / a.categories_present * c.weight / c.category_present, 0.0)
           * (c.signal_score IS NOT NULL)::INTEGER AS effective_weight,
       round(effective_weight * (coalesce(c.signal_score, 100.0) - 100.0) / 100.0, 6) AS points,
       c.category_score,
       round(a.health, 6) AS score,
       CASE WHEN a.health IS NOT NULL THEN
           coalesce(list_filter({{ bands | sql }}, b -> round(a.health, 6) >= b.min)[1].id, {{ bands[-1].id | sql }})
       END AS band,
       coalesce(v.coverage, 0.0) AS coverage
FROM category_scores AS c
JOIN account_scores AS a USING (account_id)
JOIN coverage AS v USING (account_id)
) TO {{ output | sql }} (FORMAT parquet)
