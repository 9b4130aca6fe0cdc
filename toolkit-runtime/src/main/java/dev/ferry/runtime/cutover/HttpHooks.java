package dev.ferry.runtime.cutover;

import dev.ferry.api.FerryException;
import dev.ferry.runtime.config.HttpHookConfig;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs JSON documents to the configured callbacks (cutover hooks, progress, errors).
 */
public final class HttpHooks
{
    // built on the first post: an HttpClient sets up TLS (about 0.2 s of a run's start), and most
    // runs configure no hook
    private HttpClient client;

    /**
     * POSTs {@code json}; a non-2xx answer or a transport error is a {@link FerryException} naming
     * the hook and the URL (never its headers, which may carry credentials).
     */
    public void post(String name, HttpHookConfig hook, String json)
            throws InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(hook.url())
                .timeout(hook.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (Map.Entry<String, String> header : hook.headers().entrySet()) {
            request.header(header.getKey(), header.getValue());
        }
        HttpResponse<String> response;
        try {
            response = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new FerryException(name + " hook " + hook.url() + " failed: " + e, e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body();
            throw new FerryException(name + " hook " + hook.url() + " answered HTTP " + response.statusCode()
                    + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length()))));
        }
    }

    private synchronized HttpClient client()
    {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        return client;
    }
}
