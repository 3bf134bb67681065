/** Implementation of the AWS Secrets Manager adapter; not an API. */
@NullMarked
package dev.scaleplane.adapters.aws.internal;

import org.jspecify.annotations.NullMarked;
