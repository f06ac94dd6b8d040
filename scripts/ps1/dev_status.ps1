# Show the state and URLs of the local services.
# Usage: .\scripts\ps1\dev_status.ps1 [options]   (options as for: crewplan dev status --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('dev', 'status') + $args)
