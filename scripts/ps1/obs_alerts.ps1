# Generate Prometheus rules, Alertmanager and Grafana files from slo.yaml (and check them with --check).
# Usage: .\scripts\ps1\obs_alerts.ps1 --out DIR [--slo slo.yaml] [--check] [--json]   (options as for: crewplan obs alerts --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('obs', 'alerts') + $args)
