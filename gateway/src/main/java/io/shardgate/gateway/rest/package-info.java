/** The REST management API ({@code /v1}), its OpenAPI document, bearer-token auth and Prometheus metrics. */
package io.shardgate.gateway.rest;
