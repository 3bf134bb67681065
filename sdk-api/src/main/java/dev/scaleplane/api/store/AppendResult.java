package dev.scaleplane.api.store;

/**
 * Where an append landed.
 *
 * @param stream the stream appended to
 * @param firstVersion version of the first event appended
 * @param lastVersion version of the last event appended: the stream's new version, to pass as
 *     {@link ExpectedVersion#exactly(long)} to the next append
 * @param firstPosition global position of the first event appended
 * @param lastPosition global position of the last event appended
 */
public record AppendResult(String stream, long firstVersion, long lastVersion, long firstPosition, long lastPosition) {}
