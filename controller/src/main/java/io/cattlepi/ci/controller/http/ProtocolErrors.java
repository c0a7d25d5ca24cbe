package io.cattlepi.ci.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.untrusted.Printable;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers before any route sees a request (a request line or headers it cannot parse,
 * headers or URI too long): the same JSON as every other error, saying why. An HTTP version or
 * transfer coding Jetty does not speak is the client's mistake, so 400, not 505 or 501.
 */
final class ProtocolErrors extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int status = response.getStatus();
        Object given = request.getAttribute(ERROR_MESSAGE);
        String reason = given == null ? HttpStatus.getMessage(status) : given.toString();
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 || status == HttpStatus.NOT_IMPLEMENTED_501) {
            reason = HttpStatus.getMessage(status) + ": " + reason;
            status = HttpStatus.BAD_REQUEST_400;
        }
        byte[] body = JSON.writeValueAsBytes(Map.of("status", status, "title", Printable.clipped(reason, 200)));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
