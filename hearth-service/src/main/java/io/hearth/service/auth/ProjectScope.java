package io.hearth.service.auth;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.util.Optional;

/**
 * The one place project isolation is decided: a caller sees what its project owns; an admin sees everything.
 * Resources of other projects are reported as not found, as cinder does, so their existence does not leak.
 */
public final class ProjectScope {
    public boolean canSee(RequestContext context, String ownerProjectId) {
        return context.admin() || context.projectId().equals(ownerProjectId);
    }

    /** The project a list is limited to: the caller's, or none for an admin asking for all tenants. */
    public Optional<String> listScope(RequestContext context, boolean allTenants) {
        return context.admin() && allTenants ? Optional.empty() : Optional.of(context.projectId());
    }

    public void requireAdmin(RequestContext context, String action) {
        if (!context.admin()) {
            throw new ServiceException(ErrorKind.FORBIDDEN, "Policy doesn't allow " + action + " to be performed.");
        }
    }

    /** The caller must act within the project named in the URL (admins may act anywhere). */
    public void requireUrlProject(RequestContext context, Optional<String> urlProjectId) {
        if (urlProjectId.isPresent() && !context.admin() && !urlProjectId.get().equals(context.projectId())) {
            throw new ServiceException(ErrorKind.BAD_REQUEST, "Malformed request url");
        }
    }
}
