package io.cattlepi.ci.intake;

/**
 * Git's rules for a ref name ({@code git check-ref-format}), applied to refs a delivery names, so
 * nothing git itself would refuse (controls, spaces, {@code ..}, {@code @{}) is stored or shown.
 */
final class GitRefs {
    /** Far beyond any real branch; keeps a hostile value from filling pages and logs. */
    static final int MAX_LENGTH = 255;

    private GitRefs() {
    }

    static boolean isValid(String ref) {
        if (ref == null || ref.isEmpty() || ref.length() > MAX_LENGTH || !ref.startsWith("refs/")
                || ref.endsWith("/") || ref.endsWith(".") || ref.contains("..") || ref.contains("//")
                || ref.contains("@{") || ref.equals("@")) {
            return false;
        }
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        for (String component : ref.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return false;
            }
        }
        return true;
    }
}
