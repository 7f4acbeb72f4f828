// Released for Linux (and usable on macOS): the credentials file's owner-only mode is a Unix file mode.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
