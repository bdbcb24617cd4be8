"""The test data the suite makes, in one place, one module per part: `mandates` (provinces,
calls, organisations, mandates), `pilots`, `trajectories` (workers, trajectories, phases),
`import_files` (phase-progress files as providers send them), `payments` (claims and their
evidence) and `hostile_files` (uploads made to hurt)."""
