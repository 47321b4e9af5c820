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
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            // Write to a temp name first so a crash never leaves half a key behind; a unique one, and no
            // overwrite, so that servers starting at once on shared storage all end up with the first key.
            var tmp = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
            File.WriteAllText(tmp, ecdsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                File.Move(tmp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(tmp);
                ecdsa.ImportFromPem(File.ReadAllText(path));
            }
        }
        return WithKeyId(ecdsa);
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
