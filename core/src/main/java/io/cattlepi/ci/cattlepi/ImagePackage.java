package io.cattlepi.ci.cattlepi;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CattlePi image "package" as an autobuild publishes it ({@code info.sh}): lines
 * {@code INITFS=url}, {@code INITFSMD5=sum}, {@code ROOTFS=url}, {@code ROOTFSMD5=sum}.
 */
public record ImagePackage(String initfsUrl, String initfsMd5, String rootfsUrl, String rootfsMd5) {
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    public static ImagePackage parse(String text) throws InvalidConfigException {
        Map<String, String> v = new HashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("image package line is not KEY=value: " + abbreviate(line));
            }
            v.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
        String initfs = need(v, "INITFS");
        String initfsMd5 = md5(need(v, "INITFSMD5"), "INITFSMD5");
        String rootfs = need(v, "ROOTFS");
        String rootfsMd5 = md5(need(v, "ROOTFSMD5"), "ROOTFSMD5");
        return new ImagePackage(initfs, initfsMd5, rootfs, rootfsMd5);
    }

    private static String need(Map<String, String> v, String key) throws InvalidConfigException {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            throw new InvalidConfigException("image package has no " + key);
        }
        return s;
    }

    private static String md5(String s, String key) throws InvalidConfigException {
        if (!MD5.matcher(s).matches()) {
            throw new InvalidConfigException(key + " is not an md5sum (32 lowercase hex digits)");
        }
        return s;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
