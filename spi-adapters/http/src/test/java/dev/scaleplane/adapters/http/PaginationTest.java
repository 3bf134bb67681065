package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PaginationTest {
    private WireMockServer server;
    private AdapterHttpClient client;

    @BeforeEach
    void start() {
        server = Fixtures.server();
        VirtualClock clock = new VirtualClock(Fixtures.T0);
        client = Fixtures.client(server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .build();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    record Item(int id) {}

    private int requests() {
        return server.getAllServeEvents().size();
    }

    @Test
    void linkHeaderPagesAreFetchedLazily() {
        String base = server.baseUrl() + "/repos/acme/app/issues?per_page=2&page=";
        server.stubFor(get("/repos/acme/app/issues?per_page=2")
                .willReturn(okJson("[{\"id\":1},{\"id\":2}]")
                        .withHeader("Link", "<" + base + "2>; rel=\"next\", <" + base + "3>; rel=\"last\"")));
        server.stubFor(get("/repos/acme/app/issues?per_page=2&page=2")
                .willReturn(okJson("[{\"id\":3},{\"id\":4}]")
                        .withHeader("Link", "<" + base + "1>; rel=\"prev\", <" + base + "3>; rel=\"next\"")));
        server.stubFor(get("/repos/acme/app/issues?per_page=2&page=3")
                .willReturn(okJson("[{\"id\":5}]").withHeader("Link", "<" + base + "2>; rel=\"prev\"")));

        Paginator<Item> issues = client.paginate(
                AdapterRequest.builder("GET", "/repos/{o}/{r}/issues", "acme", "app")
                        .query("per_page", 2)
                        .build(),
                PageStyle.linkHeader(),
                "",
                Item.class);
        assertThat(requests()).isZero();

        Iterator<Item> it = issues.iterator();
        assertThat(requests()).isZero();
        assertThat(it.next().id()).isEqualTo(1);
        assertThat(it.next().id()).isEqualTo(2);
        assertThat(requests()).isEqualTo(1);
        assertThat(it.next().id()).isEqualTo(3);
        assertThat(requests()).isEqualTo(2);

        assertThat(issues.stream().map(Item::id)).containsExactly(1, 2, 3, 4, 5);
        assertThat(issues.pages().map(p -> p.items().size())).containsExactly(2, 2, 1);
    }

    @Test
    void streamStopsFetchingWhenNoMoreItemsAreWanted() {
        server.stubFor(get(urlPathEqualTo("/api/v4/projects/7/pipelines"))
                .willReturn(okJson("[{\"id\":1},{\"id\":2}]").withHeader("x-next-page", "2")));
        List<Integer> firstTwo = client
                .paginate(
                        AdapterRequest.get("/api/v4/projects/{id}/pipelines", 7),
                        PageStyle.gitlabNextPage(),
                        "",
                        Item.class)
                .stream()
                .limit(2)
                .map(Item::id)
                .toList();
        assertThat(firstTwo).containsExactly(1, 2);
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void gitlabXNextPage() {
        server.stubFor(get("/api/v4/projects/7/pipelines?per_page=2")
                .willReturn(okJson("[{\"id\":1},{\"id\":2}]").withHeader("x-next-page", "2")));
        server.stubFor(get("/api/v4/projects/7/pipelines?per_page=2&page=2")
                .willReturn(okJson("[{\"id\":3},{\"id\":4}]").withHeader("x-next-page", "3")));
        server.stubFor(get("/api/v4/projects/7/pipelines?per_page=2&page=3")
                .willReturn(okJson("[{\"id\":5}]").withHeader("x-next-page", "")));
        Paginator<Item> pipelines = client.paginate(
                AdapterRequest.builder("GET", "/api/v4/projects/{id}/pipelines", 7)
                        .query("per_page", 2)
                        .build(),
                PageStyle.gitlabNextPage(),
                "",
                Item.class);
        assertThat(pipelines.stream().map(Item::id)).containsExactly(1, 2, 3, 4, 5);
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void jiraNextPageToken() {
        server.stubFor(get("/rest/api/3/search/jql?jql=project%3DOPS&maxResults=2")
                .willReturn(
                        okJson("{\"issues\":[{\"id\":1},{\"id\":2}],\"nextPageToken\":\"tokA\",\"isLast\":false}")));
        server.stubFor(get("/rest/api/3/search/jql?jql=project%3DOPS&maxResults=2&nextPageToken=tokA")
                .willReturn(
                        okJson("{\"issues\":[{\"id\":3},{\"id\":4}],\"nextPageToken\":\"tokB\",\"isLast\":false}")));
        server.stubFor(get("/rest/api/3/search/jql?jql=project%3DOPS&maxResults=2&nextPageToken=tokB")
                .willReturn(okJson("{\"issues\":[{\"id\":5}],\"isLast\":true}")));
        Paginator<Item> issues = client.paginate(
                AdapterRequest.builder("GET", "/rest/api/3/search/jql")
                        .query("jql", "project=OPS")
                        .query("maxResults", 2)
                        .build(),
                PageStyle.bodyToken("nextPageToken", "nextPageToken"),
                "/issues",
                Item.class);
        Iterator<Item> it = issues.iterator();
        it.next();
        assertThat(requests()).isEqualTo(1);
        assertThat(issues.stream().map(Item::id)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void relayCursorsOverGraphQl() {
        String query = "query($after: String) { issues(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage"
                + " endCursor } } }";
        server.stubFor(post("/graphql")
                .withRequestBody(equalToJson("{\"query\":\"" + query + "\",\"variables\":{}}"))
                .willReturn(okJson(page(List.of(1, 2), true, "c2"))));
        server.stubFor(post("/graphql")
                .withRequestBody(equalToJson("{\"query\":\"" + query + "\",\"variables\":{\"after\":\"c2\"}}"))
                .willReturn(okJson(page(List.of(3, 4), true, "c4"))));
        server.stubFor(post("/graphql")
                .withRequestBody(equalToJson("{\"query\":\"" + query + "\",\"variables\":{\"after\":\"c4\"}}"))
                .willReturn(okJson(page(List.of(5), false, "c5"))));
        Paginator<Item> issues = client.paginate(
                AdapterRequest.postJson(Map.of("query", query, "variables", Map.of()), "/graphql"),
                PageStyle.relayCursor("/data/issues/pageInfo", "after"),
                "/data/issues/nodes",
                Item.class);
        Iterator<Item> it = issues.iterator();
        it.next();
        assertThat(requests()).isEqualTo(1);
        assertThat(issues.stream().map(Item::id)).containsExactly(1, 2, 3, 4, 5);
    }

    private static String page(List<Integer> ids, boolean hasNext, String cursor) {
        StringBuilder nodes = new StringBuilder();
        for (int id : ids) {
            nodes.append(nodes.length() == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(id)
                    .append('}');
        }
        return "{\"data\":{\"issues\":{\"nodes\":[" + nodes + "],\"pageInfo\":{\"hasNextPage\":" + hasNext
                + ",\"endCursor\":\"" + cursor + "\"}}}}";
    }

    @Test
    void jenkinsTreeRanges() {
        server.stubFor(get("/job/folder/api/json?tree=jobs%5Bname%5D%7B0%2C2%7D")
                .willReturn(okJson("{\"jobs\":[{\"name\":\"a\"},{\"name\":\"b\"}]}")));
        server.stubFor(get("/job/folder/api/json?tree=jobs%5Bname%5D%7B2%2C4%7D")
                .willReturn(okJson("{\"jobs\":[{\"name\":\"c\"},{\"name\":\"d\"}]}")));
        server.stubFor(get("/job/folder/api/json?tree=jobs%5Bname%5D%7B4%2C6%7D")
                .willReturn(okJson("{\"jobs\":[{\"name\":\"e\"}]}")));
        Paginator<JsonNode> jobs = client.paginate(
                AdapterRequest.get("/job/{folder}/api/json", "folder"),
                PageStyle.jenkinsTree("jobs[name]", 2),
                "/jobs",
                JsonNode.class);
        Iterator<JsonNode> it = jobs.iterator();
        it.next();
        assertThat(requests()).isEqualTo(1);
        assertThat(jobs.stream().map(j -> j.path("name").asText())).containsExactly("a", "b", "c", "d", "e");
        assertThat(requests()).isEqualTo(4);
    }
}
