package io.shardgate.openstack.client;

import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.connectors.httpclient.HttpClientFactory;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;

import java.util.List;

/**
 * A project-scoped Keystone v3 session through OpenStack4j: its token, its catalog, and OpenStack4j clients bound to
 * it. OpenStack4j keeps "the current session" per thread; {@link #client()} binds this one to the calling thread, so
 * several sessions (an admin and a user) can be used from one thread in turn. Immutable; the token is not renewed.
 */
public final class OpenStackSession {
    static {
        // OpenStack4j's Apache HttpClient connector builds one client for the JVM: make it close every connection.
        HttpClientFactory.registerInterceptor((builder, requestConfig, config) ->
                builder.addInterceptorFirst(JsonHttp.CONNECTION_CLOSE));
    }

    private static final Config CONFIG = Config.newConfig().withConnectionTimeout(10_000).withReadTimeout(120_000);
    private final Token token;
    private final String region;

    private OpenStackSession(Token token, String region) {
        this.token = token;
        this.region = region;
    }

    /**
     * Authenticates with a password.
     *
     * @throws OpenStackException 401 for wrong credentials, 0 when Keystone cannot be reached
     */
    public static OpenStackSession connect(Credentials c) {
        try {
            OSClientV3 os = OSFactory.builderV3().withConfig(CONFIG).endpoint(c.v3Url())
                    .credentials(c.username(), c.password(), Identifier.byName(c.userDomain()))
                    .scopeToProject(Identifier.byName(c.projectName()), Identifier.byName(c.projectDomain()))
                    .authenticate();
            return new OpenStackSession(os.getToken(), c.region());
        } catch (AuthenticationException e) {
            throw new OpenStackException(401, "Keystone refused the credentials of user '" + c.username()
                    + "' for project '" + c.projectName() + "' at " + c.v3Url() + ": " + e.getMessage(), e);
        } catch (ConnectionException e) {
            throw new OpenStackException(0, "cannot reach Keystone at " + c.v3Url() + ": " + e.getMessage(), e);
        } catch (ResponseException e) {
            throw new OpenStackException(e.getStatus(), "Keystone at " + c.v3Url() + " answered " + e.getStatus()
                    + " " + e.getMessage() + " to the authentication of user '" + c.username() + "'", e);
        }
    }

    /** An OpenStack4j client on this session, bound to the calling thread (cheap: no request). */
    public OSClientV3 client() {
        OSClientV3 os = OSFactory.clientFromToken(token, CONFIG);
        return region == null ? os : os.useRegion(region);
    }

    /** The token's id, for {@code X-Auth-Token} (or {@code X-Service-Token}). */
    public String tokenId() {
        return token.getId();
    }

    /** The project the token is scoped to. */
    public String projectId() {
        return token.getProject().getId();
    }

    /**
     * The public URL of the first catalog service whose type is one of {@code types}, in this session's region.
     *
     * @throws OpenStackException 404 when the catalog has none
     */
    public String endpoint(String... types) {
        List<? extends Service> catalog = token.getCatalog();
        for (String type : types) {
            for (Service s : catalog) {
                if (!type.equals(s.getType())) {
                    continue;
                }
                for (Endpoint e : s.getEndpoints()) {
                    boolean inRegion = region == null || region.equals(e.getRegion())
                            || region.equals(e.getRegionId());
                    if (inRegion && "public".equalsIgnoreCase(String.valueOf(e.getIface()))) {
                        return e.getUrl().toString().replaceAll("/+$", "");
                    }
                }
            }
        }
        throw new OpenStackException(404, "the Keystone catalog has no public endpoint of type "
                + String.join(" or ", types) + (region == null ? "" : " in region " + region), null);
    }
}
