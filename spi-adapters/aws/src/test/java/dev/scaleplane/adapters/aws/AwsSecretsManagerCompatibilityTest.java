package dev.scaleplane.adapters.aws;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.tck.SecretsAdapterCompatibilityKit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * AWS Secrets Manager against the kit, unchanged, on the Secrets Manager simulation: every request signed with SigV4
 * and checked, names under {@code tck/<run>}, listing two secrets per page over every secret the kit has written (so
 * filtered pages come back empty with a {@code NextToken}, as on AWS).
 */
class AwsSecretsManagerCompatibilityTest extends SecretsAdapterCompatibilityKit {
    private static FakeSecretsManager aws;

    @BeforeAll
    static void start() {
        aws = FakeSecretsManager.launch();
    }

    @AfterAll
    static void stop() {
        aws.shutdown();
    }

    static Map<String, String> config(String endpoint) {
        String p = "scaleplane.adapters.aws-tck.";
        return Map.of(
                p + "type",
                "aws-secrets-manager",
                p + "region",
                FakeSecretsManager.REGION,
                p + "endpoint-override",
                endpoint,
                p + "auth.access-key-id",
                FakeSecretsManager.ACCESS_KEY_ID,
                p + "auth.secret-access-key",
                FakeSecretsManager.SECRET_ACCESS_KEY,
                p + "page-size",
                "2");
    }

    @Override
    protected SecretsAdapter createAdapter() {
        return new AwsSecretsManagerProvider().create("aws-tck", new TestContext(config(aws.baseUrl())).context());
    }

    @Override
    protected Set<SecretsCapability> capabilities() {
        return new AwsSecretsManagerProvider().capabilities();
    }

    @Override
    protected String folder() {
        return "tck/" + run;
    }
}
