package io.cattlepi.ci.controller.http.svg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** The pictures' SVG elements, each parsed by the JDK's XML parser: a page may be loose HTML, its SVG may not. */
final class SvgAssert {
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    private SvgAssert() {
    }

    /** Every SVG in the fragment, parsed; fails when there is none or one is not well-formed XML. */
    static List<Document> wellFormed(String html) {
        List<Document> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                out.add(f.newDocumentBuilder().parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
            } catch (Exception e) {
                fail("not well-formed: " + e.getMessage() + "\n" + m.group());
            }
        }
        assertFalse(out.isEmpty(), "no svg in " + html);
        return out;
    }

    /** The text of every {@code <title>} in the documents (what hovering shows). */
    static List<String> titles(List<Document> docs) {
        List<String> out = new ArrayList<>();
        for (Document d : docs) {
            var titles = d.getElementsByTagName("title");
            for (int i = 0; i < titles.getLength(); i++) {
                out.add(titles.item(i).getTextContent());
            }
        }
        return out;
    }

    static int count(List<Document> docs, String tag) {
        return docs.stream().mapToInt(d -> d.getElementsByTagName(tag).getLength()).sum();
    }
}
