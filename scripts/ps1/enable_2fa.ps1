# Turn on TOTP two-factor authentication for an account (prints the otpauth URI, a QR code, recovery codes).
# Usage: .\scripts\ps1\enable_2fa.ps1 --email E [--org SLUG] [--json]   (options as for: crewplan security enable-2fa --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('security', 'enable-2fa') + $args)
