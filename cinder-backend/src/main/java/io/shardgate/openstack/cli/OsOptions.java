package io.shardgate.openstack.cli;

import io.shardgate.openstack.client.Credentials;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Keystone options, defaulting from the standard {@code OS_*} environment variables. */
public final class OsOptions {
    @Option(names = "--os-auth-url", defaultValue = "${env:OS_AUTH_URL}", description = "Keystone URL (OS_AUTH_URL)")
    String authUrl;
    @Option(names = "--os-username", defaultValue = "${env:OS_USERNAME}", description = "user (OS_USERNAME)")
    String username;
    @Option(names = "--os-password-file", description = "file holding the password (else OS_PASSWORD)")
    Path passwordFile;
    @Option(names = "--os-project-name", defaultValue = "${env:OS_PROJECT_NAME}",
            description = "project (OS_PROJECT_NAME)")
    String projectName;
    @Option(names = "--os-user-domain-name", defaultValue = "${env:OS_USER_DOMAIN_NAME:-Default}",
            description = "user's domain (OS_USER_DOMAIN_NAME, default ${DEFAULT-VALUE})")
    String userDomain;
    @Option(names = "--os-project-domain-name", defaultValue = "${env:OS_PROJECT_DOMAIN_NAME:-Default}",
            description = "project's domain (OS_PROJECT_DOMAIN_NAME, default ${DEFAULT-VALUE})")
    String projectDomain;
    @Option(names = "--os-region-name", defaultValue = "${env:OS_REGION_NAME}",
            description = "catalog region (OS_REGION_NAME; default: any)")
    String region;

    /**
     * The credentials.
     *
     * @throws IllegalArgumentException naming what is missing or unreadable
     */
    Credentials credentials() {
        String password = System.getenv("OS_PASSWORD");
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --os-password-file " + passwordFile + ": "
                        + e.getMessage());
            }
        }
        if (authUrl == null || authUrl.isBlank()) {
            throw new IllegalArgumentException("the OpenStack auth URL is missing (--os-auth-url or OS_AUTH_URL)");
        }
        return new Credentials(URI.create(authUrl), username, password, projectName, userDomain, projectDomain,
                region == null || region.isBlank() ? null : region);
    }
}
