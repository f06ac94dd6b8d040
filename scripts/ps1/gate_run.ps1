# Run the CI gates of gates.yaml.
# Usage: .\scripts\ps1\gate_run.ps1 [options]   (options as for: crewplan-gate run --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-CrewplanGate (@('run') + $args)
