package io.shardgate.openstack.client;

import java.net.URI;

/**
 * What Keystone v3 password authentication needs, scoped to a project (the names of the standard {@code OS_*}
 * environment variables).
 *
 * @param authUrl       Keystone's URL, with or without {@code /v3}
 * @param region        the catalog region to use, or null for any
 */
public record Credentials(URI authUrl, String username, String password, String projectName, String userDomain,
                          String projectDomain, String region) {
    public Credentials {
        for (String[] p : new String[][]{{"auth URL", authUrl == null ? null : authUrl.toString()},
                {"user name", username}, {"password", password}, {"project name", projectName},
                {"user domain", userDomain}, {"project domain", projectDomain}}) {
            if (p[1] == null || p[1].isBlank()) {
                throw new IllegalArgumentException("the OpenStack " + p[0] + " is missing");
            }
        }
    }

    /** Keystone's v3 URL. */
    public String v3Url() {
        String s = authUrl.toString().replaceAll("/+$", "");
        return s.endsWith("/v3") ? s : s + "/v3";
    }
}
