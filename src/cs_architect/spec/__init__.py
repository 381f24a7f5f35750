"""The seam between design and engine: health_model.yaml and operations.yaml models."""
