# Check the role-based access policy against the routes (unknown roles, cycles, unreachable routes, ...).
# Usage: .\scripts\ps1\rbac_lint.ps1 [FILE] [--json]   (options as for: crewplan rbac lint --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('rbac', 'lint') + $args)
