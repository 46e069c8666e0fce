package io.hearth.target.rados;

import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Leaves out, against RGW, the contract tests it fails or makes too slow for CI, each with what was seen. */
final class NotRunOnRgw implements ExecutionCondition {
    private static final Map<String, String> LEFT_OUT = Map.of(
            "emptyAndLargeObjectsRoundTrip", "RGW 16 answers the s3 target's zero-byte PUT with 400 "
                    + "XAmzContentSHA256Mismatch (also with RequestBody.empty()); see docs/target-ceph.md",
            "aRepositoryOnThisTargetBacksUpRestoresVerifiesAndCollects", "takes about 150 s on RGW here (18 s for the "
                    + "whole rados contract); the s3 module runs it on S3Proxy; see docs/target-ceph.md");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getTestMethod()
                .filter(method -> LEFT_OUT.containsKey(method.getName()))
                .map(method -> ConditionEvaluationResult.disabled(LEFT_OUT.get(method.getName())))
                .orElse(ConditionEvaluationResult.enabled("RGW serves this as S3 does"));
    }
}
