package io.cattlepi.ci.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * How a delivery's bytes travel in an SQS message, whose body must be text SQS accepts (XML 1.0
 * characters: no NUL and other controls, no U+FFFE/U+FFFF, no invalid UTF-8). A payload that is
 * such text goes as it is, so the AWS CLI and the seed's readers see GitHub's document; any other
 * goes base64-encoded with the message attribute {@code body_encoding=base64}. Either way the
 * receiver gets GitHub's bytes back exactly, which is what the signature covered.
 */
public final class MessageBody {
    /** Message attribute naming the body's encoding; absent means the body is the payload as text. */
    public static final String ENCODING = "body_encoding";
    public static final String BASE64 = "base64";

    /** A body ready for the queue, and the attributes that say how to read it. */
    public record Encoded(String text, Map<String, String> attributes) {
    }

    private MessageBody() {
    }

    public static Encoded encode(byte[] payload) {
        String text = sqsText(payload);
        return text != null ? new Encoded(text, Map.of())
                : new Encoded(Base64.getEncoder().encodeToString(payload), Map.of(ENCODING, BASE64));
    }

    /**
     * The payload a message carries.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown encoding, a body that is not base64
     */
    public static byte[] decode(String text, Map<String, String> attributes) {
        String encoding = attributes.get(ENCODING);
        if (encoding == null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (!encoding.equals(BASE64)) {
            throw new IllegalArgumentException("message attribute " + ENCODING + " is not " + BASE64);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("message attribute " + ENCODING + " says base64 but the body is not base64");
        }
    }

    /** The payload as text SQS takes, or null when it is not valid UTF-8 or holds a character SQS refuses. */
    static String sqsText(byte[] payload) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (!sqsAllows(cp)) {
                return null;
            }
            i += Character.charCount(cp);
        }
        return text;
    }

    /** SQS's allowed message characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
    static boolean sqsAllows(int cp) {
        return cp == 0x9 || cp == 0xa || cp == 0xd || cp >= 0x20 && cp <= 0xd7ff || cp >= 0xe000 && cp <= 0xfffd
                || cp >= 0x10000 && cp <= 0x10ffff;
    }
}
