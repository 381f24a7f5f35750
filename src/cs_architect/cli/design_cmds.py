"""Design commands: init, validate, schema, design, render."""

from __future__ import annotations

import json
import time
from importlib.resources import files as package_files
from pathlib import Path

import click

from cs_architect.cli import cli

EDITABLE = ("health_model.yaml", "operations.yaml")  # users edit these; never overwrite edits silently


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite starter files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Write a commented starter input set into DIRECTORY.

    \b
    Example:
      csa init my-company && csa design my-company -o my-company/out
    """
    from cs_architect.errors import OutputError
    from cs_architect.issues import Issue

    starter = package_files("cs_architect").joinpath("data/starter")
    names = sorted(p.name for p in starter.iterdir() if p.name.endswith(".yaml"))
    existing = [n for n in names if (directory / n).exists()]
    if existing and not force:
        raise OutputError(
            f"{directory} already has input files; nothing was written",
            [Issue("error", "exists", file=str(directory / n), hint="use --force to overwrite") for n in existing],
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_text(starter.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    click.echo(f"wrote {', '.join(names)} to {directory}/")
    click.echo(f"next: edit them, then `csa validate {directory}` and `csa design {directory} -o {directory}/out`")


@cli.command()
@click.argument("inputs", type=click.Path(path_type=Path))
def validate(inputs: Path) -> None:
    """Check an input set (folder or combined file) without writing anything.

    Exit 0 when valid, 2 with located errors, 3 when a design gate would refuse.

    \b
    Example:
      csa validate examples/shiftwise
    """
    from cs_architect.design.gates import check_gates
    from cs_architect.errors import GateRefused
    from cs_architect.inputs import load_project
    from cs_architect.inputs.rules import check_project
    from cs_architect.issues import Issue

    project = load_project(inputs)
    for issue in check_project(project):
        click.secho(f"  {issue}", fg="yellow", err=True)
    gate = check_gates(project)
    if gate.queued:
        click.echo(f"ok: {inputs} is valid; status queued ({gate.queue_reason}): `csa design` writes a queued plan")
        return
    if gate.refused:
        raise GateRefused(
            "inputs are valid, but `csa design` would refuse: the sales handoff is not defined",
            [Issue("error", m) for m in gate.missing],
        )
    click.echo(f"ok: {inputs} is valid; status ready")


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the JSON Schemas into.",
)
def schema(output: Path) -> None:
    """Write the JSON Schemas of the inputs and of the generated specs.

    \b
    Example:
      csa schema -o schemas
    """
    from cs_architect.schemas import all_schemas

    output.mkdir(parents=True, exist_ok=True)
    for name, doc in all_schemas().items():
        (output / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        click.echo(f"wrote {output / name}")


@cli.command()
@click.argument("inputs", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder (created; csa only overwrites folders it created).",
)
@click.option("--force", is_flag=True, help="Write into an existing folder that csa did not create.")
@click.option(
    "--ignore-gates",
    is_flag=True,
    help="Draft a playbook although a gate (sales handoff, pre-revenue) would stop it; the playbook says so.",
)
def design(inputs: Path, out: Path, force: bool, ignore_gates: bool) -> None:
    """Compile INPUTS (a folder or one combined YAML file) into a customer success playbook.

    Writes playbook.md/.html/.json, health_model.yaml, operations.yaml and the onboarding flow
    diagram (onboarding_flow.mmd, and .svg when Graphviz is installed). Exit 2 on invalid inputs,
    3 when a gate refuses.

    \b
    Example:
      csa design examples/shiftwise -o out/shiftwise
    """
    from cs_architect.design.compiler import design as compile_design
    from cs_architect.inputs import load_project
    from cs_architect.inputs.rules import check_project
    from cs_architect.output import check_writable, write_files
    from cs_architect.render.bundle import render_bundle

    started = time.perf_counter()
    check_writable(out, force=force, protect=EDITABLE)
    project = load_project(inputs)
    for issue in check_project(project):
        click.secho(f"  {issue}", fg="yellow", err=True)
    bundle = compile_design(project, ignore_gates=ignore_gates)
    rendered = render_bundle(bundle)
    written = write_files(out, rendered.files, force=force, protect=EDITABLE)
    for note in rendered.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    status = "draft (gates overridden)" if bundle.playbook.gates_overridden else bundle.playbook.status
    elapsed = time.perf_counter() - started
    click.echo(f"{bundle.playbook.overview.company}: playbook {status} ({len(written)} files in {elapsed:.2f}s)")
    for path in written:
        click.echo(f"  {path}")
    if bundle.playbook.status == "queued":
        click.echo("queued: only the plan for what to prepare now was written; re-run at the first 5 customers")
    else:
        click.echo(
            f"open {out / 'playbook.html'} in a browser; edit health_model.yaml / operations.yaml and run "
            f"`csa render {out}` to re-render"
        )


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, exists=True, path_type=Path))
def render(out: Path) -> None:
    """Re-render the documents in OUT after editing health_model.yaml or operations.yaml.

    \b
    Example:
      csa render out/shiftwise
    """
    from cs_architect.output import write_files
    from cs_architect.render.bundle import load_bundle, render_bundle

    bundle = load_bundle(out)
    rendered = render_bundle(bundle)
    # The specs are the user's source of truth here: re-render everything else, keep them as written.
    files = {name: text for name, text in rendered.files.items() if name not in EDITABLE}
    written = write_files(out, files, keep=EDITABLE)
    for note in rendered.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    click.echo(f"re-rendered {len(written)} files in {out}")
