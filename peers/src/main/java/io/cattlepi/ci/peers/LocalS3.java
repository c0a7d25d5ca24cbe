package io.cattlepi.ci.peers;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * An S3 server in this JVM: S3Proxy over an in-memory blob store on 127.0.0.1 with a dynamic port.
 * Clients sign with {@link #accessKey()}/{@link #secretKey()} and must use path-style addressing.
 * Buckets made by {@link #createBucket} are public-read, like the seed's bucket behind its public URL,
 * so a plain HTTP GET of {@code endpoint()/bucket/key} works without signing.
 */
public final class LocalS3 implements AutoCloseable {
    private static final String ACCESS_KEY = "local-access-key";
    private static final String SECRET_KEY = "local-secret-key";

    private final BlobStore blobs;
    private final S3Proxy proxy;

    private LocalS3() throws Exception {
        blobs = new BucketPolicyReads(new TransientNio2BlobStore());
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
    }

    /** Starts S3Proxy; returns when it accepts connections. */
    public static LocalS3 start() throws Exception {
        return new LocalS3();
    }

    /** e.g. {@code http://127.0.0.1:40211}; give it to the SDK as endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The bucket's public URL prefix (the seed's {@code aws_s3_path}) for path-style access. */
    public URI publicPrefix(String bucket) {
        return URI.create(endpoint() + "/" + bucket);
    }

    /** Creates a public-read bucket. */
    public void createBucket(String name) {
        blobs.createContainer(name);
        blobs.setContainerAccess(name, BucketCannedACL.PUBLIC_READ);
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** A region clients may name; S3Proxy accepts any. */
    public String region() {
        return "us-east-1";
    }

    /**
     * S3Proxy lets anonymous readers in only per object ACL; the seed's bucket is public through a bucket
     * policy instead (no ACLs on uploads). This makes every object of a public-read bucket readable, like that policy.
     */
    private static final class BucketPolicyReads extends ForwardingBlobStore {
        BucketPolicyReads(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public ObjectCannedACL getBlobAccess(String container, String name) {
            return getContainerAccess(container) == BucketCannedACL.PUBLIC_READ
                    ? ObjectCannedACL.PUBLIC_READ : super.getBlobAccess(container, name);
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop: " + e, e);
        } finally {
            blobs.close();
        }
    }
}
