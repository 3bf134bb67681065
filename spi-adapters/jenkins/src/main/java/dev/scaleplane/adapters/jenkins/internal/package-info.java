/** Implementation of the Jenkins adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.jenkins.internal;

import org.jspecify.annotations.NullMarked;
