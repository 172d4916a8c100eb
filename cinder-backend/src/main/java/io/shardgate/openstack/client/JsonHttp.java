package io.shardgate.openstack.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.apache.http.Header;
import org.apache.http.HttpHeaders;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON over HTTP for the OpenStack APIs, with Apache HttpClient (the library of OpenStack4j's connector). Every request
 * carries {@code Connection: close}: Keystone and Cinder served by uwsgi otherwise keep the connection open after the
 * answer and a client waits for its end. Thread-safe; blocking (a command-line and test client, no event loop).
 */
public final class JsonHttp implements Closeable {
    /** Adds {@code Connection: close} to a request; also registered with OpenStack4j's connector. */
    public static final HttpRequestInterceptor CONNECTION_CLOSE =
            (request, context) -> request.setHeader(HttpHeaders.CONNECTION, "close");
    static final ObjectMapper JSON = new ObjectMapper();

    private final CloseableHttpClient client;

    /** A client with these timeouts in milliseconds. */
    public JsonHttp(int connectTimeoutMs, int readTimeoutMs) {
        this.client = HttpClients.custom().addInterceptorFirst(CONNECTION_CLOSE)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(connectTimeoutMs)
                        .setSocketTimeout(readTimeoutMs).build()).build();
    }

    /** An answer: its status and JSON body ({@link MissingNode} when empty or not JSON), and its headers. */
    public record Reply(int status, JsonNode body, Map<String, String> headers) {
        /** The service's error text: the {@code message} of the first member of an error body, else the body. */
        public String errorMessage() {
            for (Iterator<JsonNode> it = body.elements(); it.hasNext(); ) {
                JsonNode m = it.next().path("message");
                if (m.isTextual()) {
                    return m.asText();
                }
            }
            return body.isMissingNode() ? "(no body)" : body.toString();
        }
    }

    /**
     * Sends a request and returns the answer whatever its status.
     *
     * @param body a JSON body, or null
     * @throws OpenStackException (status 0) when the service cannot be reached
     */
    public Reply send(String method, String url, Map<String, String> headers, JsonNode body) {
        RequestBuilder b = RequestBuilder.create(method).setUri(url).addHeader(HttpHeaders.ACCEPT, "application/json");
        headers.forEach(b::addHeader);
        if (body != null) {
            try {
                b.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot encode a JSON body", e);
            }
        }
        try (CloseableHttpResponse r = client.execute(b.build())) {
            byte[] bytes = r.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(r.getEntity());
            JsonNode json = MissingNode.getInstance();
            if (bytes.length > 0) {
                try {
                    json = JSON.readTree(bytes);
                } catch (IOException notJson) {
                    json = JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
                }
            }
            Map<String, String> hs = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Header h : r.getAllHeaders()) {
                hs.put(h.getName(), h.getValue());
            }
            return new Reply(r.getStatusLine().getStatusCode(), json, hs);
        } catch (IOException e) {
            throw new OpenStackException(0, method + " " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
