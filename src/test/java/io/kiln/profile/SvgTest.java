package io.kiln.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SvgTest {

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesWellFormedEscapedXml() throws Exception {
        Svg svg = new Svg(100, 50);
        svg.start("g", "class", "a&b", "data-x", "\"<'>\"");
        svg.text("text", "x < y & z > \"w\"", "x", Svg.num(1.5));
        svg.empty("circle", "cx", Svg.num(3), "skipped", null);
        svg.end();
        String xml = svg.finish();
        Document d = parse(xml);
        Element g = (Element) d.getElementsByTagName("g").item(0);
        assertEquals("a&b", g.getAttribute("class"));
        assertEquals("\"<'>\"", g.getAttribute("data-x"));
        assertEquals("x < y & z > \"w\"", d.getElementsByTagName("text").item(0).getTextContent());
        Element c = (Element) d.getElementsByTagName("circle").item(0);
        assertEquals("3", c.getAttribute("cx"));
        assertTrue(!c.hasAttribute("skipped"));
        assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
    }

    @Test
    void numbersArePlainDecimals() {
        assertEquals("1.5", Svg.num(1.5));
        assertEquals("1234567", Svg.num(1234567));
        assertEquals("0.001", Svg.num(0.0012));
        assertEquals("0", Svg.num(-0.0001));
        assertEquals("-2.25", Svg.num(-2.25));
        assertThrows(IllegalArgumentException.class, () -> Svg.num(Double.NaN));
    }

    @Test
    void unbalancedDocumentsAreRefused() {
        Svg open = new Svg(10, 10);
        open.start("g");
        assertThrows(IllegalStateException.class, open::finish);
        Svg closed = new Svg(10, 10);
        closed.end();
        assertThrows(IllegalStateException.class, closed::end);
        assertThrows(IllegalArgumentException.class, () -> new Svg(1, 1).empty("rect", "x"));
    }
}
