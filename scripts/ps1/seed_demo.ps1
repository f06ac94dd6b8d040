# Seed the demo organisation.
# Usage: .\scripts\ps1\seed_demo.ps1 [options]   (options as for: crewplan seed demo --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('seed', 'demo') + $args)
