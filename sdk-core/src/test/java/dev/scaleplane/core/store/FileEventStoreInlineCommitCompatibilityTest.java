package dev.scaleplane.core.store;

/**
 * The kit again with fsync policy {@code none}, whose appends the calling thread commits itself under the commit lock
 * (as {@code always} does) instead of handing them to the group-commit writer thread.
 */
class FileEventStoreInlineCommitCompatibilityTest extends FileEventStoreCompatibilityTest {
    @Override
    protected String fsync() {
        return "none";
    }
}
