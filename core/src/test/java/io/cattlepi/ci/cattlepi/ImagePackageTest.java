package io.cattlepi.ci.cattlepi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImagePackageTest {
    @Test
    void missingAndMalformedFieldsAreNamed() {
        assertEquals("image package has no ROOTFS", assertThrows(InvalidConfigException.class, () ->
                ImagePackage.parse("INITFS=a\nINITFSMD5=0123456789abcdef0123456789abcdef\n")).getMessage());
        assertEquals("INITFSMD5 is not an md5sum (32 lowercase hex digits)", assertThrows(InvalidConfigException.class,
                () -> ImagePackage.parse("INITFS=a\nINITFSMD5=xyz\nROOTFS=b\nROOTFSMD5=c\n")).getMessage());
        assertEquals("image package line is not KEY=value: garbage", assertThrows(InvalidConfigException.class,
                () -> ImagePackage.parse("garbage")).getMessage());
    }

    @Test
    void commentsQuotesAndBlankLinesAreAccepted() throws Exception {
        ImagePackage p = ImagePackage.parse("# autobuild\n\nINITFS='i'\nINITFSMD5=0123456789abcdef0123456789abcdef\r\n"
                + "ROOTFS=r\nROOTFSMD5=fedcba9876543210fedcba9876543210\n");
        assertEquals("i", p.initfsUrl());
        assertEquals("r", p.rootfsUrl());
    }
}
