package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.ACL;
import hudson.slaves.AbstractCloudComputer;

/**
 * A Pi node's computer. Its configure page is read-only: a Pi node is made by the cloud for one
 * build, and nothing on it is the user's to change (its settings are the cloud's). Without
 * {@link #CONFIGURE} the page renders read-only without Save (core's Computer/configure.jelly sets
 * readOnlyMode from it, lib/form/saveApplyBar.jelly hides the buttons), and Computer#doConfigSubmit
 * and #doConfigDotXml refuse a submission.
 */
public final class PiComputer extends AbstractCloudComputer<PiNode> {
    PiComputer(PiNode node) {
        super(node);
    }

    @NonNull
    @Override
    public ACL getACL() {
        ACL base = super.getACL();
        return ACL.lambda2((who, permission) -> permission != CONFIGURE && base.hasPermission2(who, permission));
    }
}
