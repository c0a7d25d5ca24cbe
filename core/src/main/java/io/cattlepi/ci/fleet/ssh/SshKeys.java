package io.cattlepi.ci.fleet.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;

/** The controller's SSH identity from key text (a config field, a Jenkins credential). */
public final class SshKeys {
    private SshKeys() {
    }

    /**
     * Reads the first key pair of an unencrypted PEM or OpenSSH private key.
     *
     * @param source names the key in the error (never its text)
     * @throws IllegalArgumentException when the text holds no usable key
     */
    public static KeyPair parse(byte[] text, String source) {
        try {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(source),
                    new ByteArrayInputStream(text), null);
            Iterator<KeyPair> it = keys == null ? null : keys.iterator();
            if (it != null && it.hasNext()) {
                return it.next();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // reported below without the key's text
        }
        throw new IllegalArgumentException(source + " is not a valid unencrypted private key (PEM or OpenSSH format)");
    }

    /** Whether an authorized_keys line ({@code type base64 [comment]}) holds the pair's public key. */
    public static boolean matches(KeyPair pair, String publicKeyLine) {
        String[] ours = PublicKeyEntry.toString(pair.getPublic()).split(" ");
        String[] theirs = publicKeyLine.trim().split("\\s+");
        return ours.length >= 2 && theirs.length >= 2 && ours[1].equals(theirs[1]);
    }

    /** The public half as an authorized_keys line ({@code ssh-ed25519 AAAA... comment}). */
    public static String publicKeyLine(KeyPair pair, String comment) {
        return PublicKeyEntry.toString(pair.getPublic()) + " " + comment;
    }
}
