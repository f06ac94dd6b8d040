# Create a login; the password is read from standard input.
# Usage: .\scripts\ps1\user_create.ps1 [options]   (options as for: crewplan user create --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('user', 'create') + $args)
