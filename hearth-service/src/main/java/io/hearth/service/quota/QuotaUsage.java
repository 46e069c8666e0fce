package io.hearth.service.quota;

/** One resource's limit (-1 unlimited) and what is in use. */
public record QuotaUsage(Resource resource, long limit, long inUse) {}
