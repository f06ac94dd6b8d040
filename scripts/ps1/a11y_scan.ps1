# Run axe-core in headless Chromium on every page (FR and EN) and write the HTML report and screenshots.
# Usage: .\scripts\ps1\a11y_scan.ps1 [--serve] [--base-url URL] [--out DIR] [--json]   (options as for: crewplan a11y scan --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('a11y', 'scan') + $args)
