package io.cattlepi.ci.sandbox;

import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Port: where a build's processes run. Pull-request code is hostile: a cell shows it its own
 * folder, the system read-only, a private {@code /tmp} and {@code HOME}, its own processes only
 * and the network; the controller's files, other builds and the Pis' private key stay out of
 * reach (the key is used through an agent the cell only talks to).
 */
public interface Sandbox {
    SandboxKind kind();

    /**
     * Prepares one build's cell under {@code work} (created; it must not exist or be empty), with
     * the Pis' key in an agent of its own and the build's limits in place.
     *
     * @param readOnly host folders the build may read (a local clone base), shown under {@link BuildCell#inside}
     */
    BuildCell open(String buildId, Path work, Secret piKey, List<Path> readOnly) throws IOException;

    /**
     * Where the build will see the checkout folder ({@link BuildCell#src()}) of a cell opened under
     * {@code work}: known before the cell is opened, for a front end that must name it first (a
     * Jenkins node's remote folder is fixed when the node is made, and it is launched later).
     */
    String srcInside(Path work);

    /**
     * Whether builds see this host path where it is, read-only: the system's programs, unless the
     * controller's own files are masked there. A program elsewhere (a JDK under {@code /opt}) must
     * be given to the cell as a read-only folder.
     */
    boolean shows(Path host);

    /**
     * The configured sandbox, checked to work here.
     *
     * @throws SandboxUnavailable saying how to fix it, when bubblewrap is missing or cannot make namespaces
     */
    static Sandbox start(SandboxSettings settings) throws SandboxUnavailable {
        BuildUsers users = BuildUsers.forThisProcess();
        Bubblewrap jail = settings.kind() == SandboxKind.BUBBLEWRAP ? Bubblewrap.check(settings, users) : null;
        PiKeyAgent.check();
        return new CellFactory(settings, users, jail);
    }
}
