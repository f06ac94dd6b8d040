# Load run with budgets: seeds the 'load' organisation, starts servers, runs the k6 scripts of load/.
# Usage: .\scripts\ps1\k6_run.ps1 [options]   (options as for: crewplan load run --help; needs k6 and pgbench on PATH)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('load', 'run') + $args)
