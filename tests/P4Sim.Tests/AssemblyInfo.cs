// The simulator models Unix file modes (read-only synced files) and its launcher is a shell script.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("macos")]
