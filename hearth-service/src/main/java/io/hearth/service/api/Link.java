package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A self or bookmark link. */
public record Link(@JsonProperty("href") String href, @JsonProperty("rel") String rel) {
    static List<Link> of(RequestScope scope, String collection, String id) {
        return List.of(new Link(scope.baseUrl() + "/v3/" + scope.linkProject() + "/" + collection + "/" + id, "self"),
                new Link(scope.baseUrl() + "/" + scope.linkProject() + "/" + collection + "/" + id, "bookmark"));
    }
}
