package io.hearth.service.message;

import io.hearth.service.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** User message rows. */
public final class MessageDao {
    private final Jdbi jdbi;

    public MessageDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Message m) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO messages (id, project_id, request_id, resource_type, resource_uuid, event_id, action_id, detail_id,
                  message_level, created_at, expires_at)
                VALUES (:id, :project, :request, :resourceType, :resourceUuid, :event, :action, :detail, :level, :created, :expires)""")
                .bind("id", m.id()).bind("project", m.projectId()).bind("request", m.requestId()).bind("resourceType", m.resourceType())
                .bind("resourceUuid", m.resourceUuid()).bind("event", m.eventId()).bind("action", m.actionId()).bind("detail", m.detailId())
                .bind("level", m.messageLevel()).bind("created", Database.toSql(m.createdAt())).bind("expires", Database.toSql(m.expiresAt()))
                .execute());
    }

    public Optional<Message> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE id = :id").bind("id", id).map(MessageDao::map).findOne());
    }

    /** Messages matching every filter (column name → value); {@code project} empty means all projects. */
    public List<Message> list(Optional<String> project, Map<String, String> filters) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM messages WHERE 1 = 1");
            project.ifPresent(p -> sql.append(" AND project_id = :project"));
            int i = 0;
            for (String column : filters.keySet()) {
                sql.append(" AND ").append(column).append(" = :f").append(i++);
            }
            Query query = h.createQuery(sql.toString());
            project.ifPresent(p -> query.bind("project", p));
            i = 0;
            for (String value : filters.values()) {
                query.bind("f" + i++, value);
            }
            return query.map(MessageDao::map).list();
        });
    }

    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM messages WHERE id = :id").bind("id", id).execute()) == 1;
    }

    /** Removes the messages kept long enough; returns how many. */
    public int deleteExpired(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM messages WHERE expires_at < :now").bind("now", Database.toSql(now)).execute());
    }

    private static Message map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Message(rs.getString("id"), rs.getString("project_id"), rs.getString("request_id"), rs.getString("resource_type"),
                rs.getString("resource_uuid"), rs.getString("event_id"), rs.getString("action_id"), rs.getString("detail_id"),
                rs.getString("message_level"), Database.instant(rs, "created_at"), Database.instant(rs, "expires_at"));
    }
}
