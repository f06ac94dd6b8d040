# Drop cached answers of the Redis read cache (one organisation with -org SLUG, or all).
# Usage: .\scripts\ps1\cache_clear.ps1 [--org SLUG] [--json]   (options as for: crewplan cache clear --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('cache', 'clear') + $args)
