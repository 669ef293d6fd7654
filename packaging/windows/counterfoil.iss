; Inno Setup script for Counterfoil on Windows (per-user install, no admin rights needed).
; Build the frozen app first on Windows:  packaging\build.sh  (or the PyInstaller line in it),
; then compile this script with Inno Setup 6:  iscc packaging\windows\counterfoil.iss
; The version is passed on the command line:  iscc /DAppVersion=0.1.0 packaging\windows\counterfoil.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C5B0E-2A4B-4C5E-9C53-2B4E1F3D7A11}
AppName=Counterfoil
AppVersion={#AppVersion}
AppPublisher=Counterfoil
DefaultDirName={localappdata}\Programs\Counterfoil
DefaultGroupName=Counterfoil
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\build
OutputBaseFilename=counterfoil-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\counterfoil.ico
UninstallDisplayIcon={app}\counterfoil.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller onedir output.
Source: "..\..\build\dist\counterfoil\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Counterfoil"; Filename: "{app}\counterfoil.exe"
Name: "{group}\Uninstall Counterfoil"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Counterfoil"; Filename: "{app}\counterfoil.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\counterfoil.exe"; Description: "{cm:LaunchProgram,Counterfoil}"; Flags: nowait postinstall skipifsilent

; The user's data lives in %LOCALAPPDATA%\Counterfoil and is deliberately not removed
; by the uninstaller: invoices are business records.
