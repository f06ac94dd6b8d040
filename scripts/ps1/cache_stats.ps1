# Entries per kind in the Redis read cache and Redis' own hit figures.
# Usage: .\scripts\ps1\cache_stats.ps1 [--json]   (options as for: crewplan cache stats --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('cache', 'stats') + $args)
