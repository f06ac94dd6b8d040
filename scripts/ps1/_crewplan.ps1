# Shared by the operator wrappers: finds the crewplan executables (release, then debug build, then PATH)
# and runs them. All behaviour lives in the Swift CLI; these files only forward arguments.
$ErrorActionPreference = 'Stop'
$Root = Resolve-Path (Join-Path $PSScriptRoot '..\..')

function Find-CrewplanTool([string]$Name) {
    foreach ($dir in @('.build\release', '.build\debug')) {
        $candidate = Join-Path $Root (Join-Path $dir "$Name.exe")
        if (Test-Path $candidate) { return $candidate }
    }
    $onPath = Get-Command $Name -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    throw "$Name not found: run 'swift build' in $Root first"
}

function Invoke-Crewplan([string[]]$Arguments) {
    $tool = Find-CrewplanTool 'crewplan'
    & $tool @Arguments
    exit $LASTEXITCODE
}

function Invoke-CrewplanGate([string[]]$Arguments) {
    $tool = Find-CrewplanTool 'crewplan-gate'
    & $tool @Arguments
    exit $LASTEXITCODE
}
