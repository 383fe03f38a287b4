"""The Python client (Debian python3-kubernetes) against a kubets the ava suite started.

KUBECONFIG names the cluster; PREFIX keeps these namespaces apart per store."""

import json
import os
import tempfile
import time

import pytest
from kubernetes import client, config, dynamic, utils, watch
from kubernetes.client.rest import ApiException

PREFIX = os.environ.get("PREFIX", "py")
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def api():
    config.load_kube_config(config_file=os.environ["KUBECONFIG"])
    return client.ApiClient()


def namespace(api, suffix):
    name = f"{PREFIX}-{suffix}"
    client.CoreV1Api(api).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name


def meta(name, **labels):
    return client.V1ObjectMeta(name=name, labels=labels or None)


def pod_template(app):
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels={"app": app}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]),
    )


def test_core_v1_crud(api):
    core = client.CoreV1Api(api)
    ns = namespace(api, "core")
    created = core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=meta("one", app="a"), data={"k": "1"}))
    assert created.metadata.uid
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=meta("two", app="b")))
    assert [c.metadata.name for c in core.list_namespaced_config_map(ns, label_selector="app=a").items] == ["one"]
    created.data = {"k": "2"}
    replaced = core.replace_namespaced_config_map("one", ns, created)
    assert replaced.data == {"k": "2"}
    with pytest.raises(ApiException) as stale:
        core.replace_namespaced_config_map("one", ns, created)
    assert stale.value.status == 409
    patched = core.patch_namespaced_config_map("one", ns, {"data": {"p": "1"}})
    assert patched.data == {"k": "2", "p": "1"}
    pod = core.create_namespaced_pod(ns, client.V1Pod(metadata=meta("p"), spec=pod_template("p").spec))
    assert pod.spec.service_account_name == "default"
    rc = core.create_namespaced_replication_controller(
        ns, client.V1ReplicationController(metadata=meta("rc"), spec=client.V1ReplicationControllerSpec(replicas=0, selector={"app": "rc"}, template=pod_template("rc")))
    )
    assert rc.status.replicas == 0
    status = core.delete_namespaced_config_map("two", ns)
    assert status.status == "Success"
    core.delete_collection_namespaced_config_map(ns, label_selector="app")
    assert core.list_namespaced_config_map(ns, label_selector="app").items == []
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_config_map("one", ns)
    assert gone.value.status == 404


def test_apps_v1_crud(api):
    apps = client.AppsV1Api(api)
    ns = namespace(api, "apps")
    selector = client.V1LabelSelector(match_labels={"app": "web"})
    d = apps.create_namespaced_deployment(ns, client.V1Deployment(metadata=meta("web"), spec=client.V1DeploymentSpec(selector=selector, template=pod_template("web"))))
    assert d.spec.replicas == 1
    ds = apps.create_namespaced_daemon_set(ns, client.V1DaemonSet(metadata=meta("ds"), spec=client.V1DaemonSetSpec(selector=client.V1LabelSelector(match_labels={"app": "ds"}), template=pod_template("ds"))))
    assert (ds.status.current_number_scheduled, ds.status.number_misscheduled, ds.status.desired_number_scheduled, ds.status.number_ready) == (0, 0, 0, 0)
    rs = apps.create_namespaced_replica_set(ns, client.V1ReplicaSet(metadata=meta("rs"), spec=client.V1ReplicaSetSpec(replicas=0, selector=client.V1LabelSelector(match_labels={"app": "rs"}), template=pod_template("rs"))))
    assert rs.status.replicas == 0
    scaled = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 2}})
    assert scaled.spec.replicas == 2
    assert [x.metadata.name for x in apps.list_namespaced_daemon_set(ns).items] == ["ds"]
    apps.delete_namespaced_deployment("web", ns, propagation_policy="Foreground")
    apps.delete_collection_namespaced_replica_set(ns)


def test_create_from_yaml_multi_document_and_list(api):
    ns = namespace(api, "yaml")
    created = utils.create_from_yaml(api, os.path.join(HERE, "multi.yaml"), namespace=ns)
    assert sorted(o.metadata.name for group in created for o in group) == ["multi-a", "multi-svc"]
    created = utils.create_from_yaml(api, os.path.join(HERE, "list.yaml"), namespace=ns)
    assert sorted(o.metadata.name for group in created for o in group) == ["list-a", "list-b"]
    names = sorted(c.metadata.name for c in client.CoreV1Api(api).list_namespaced_config_map(ns).items)
    assert {"multi-a", "list-a", "list-b"} <= set(names)


def test_dynamic_client(api):
    ns = namespace(api, "dynamic")
    with tempfile.TemporaryDirectory() as d:
        cache = os.path.join(d, "discovery.json")
        dyn = dynamic.DynamicClient(api, cache_file=cache)
        assert os.path.exists(cache)
        cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
        assert cms.namespaced and cms.name == "configmaps"
        deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
        assert "scale" in deployments.subresources
        cms.create(body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dyn"}, "data": {"a": "1"}}, namespace=ns)
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dyn", "namespace": ns}, "data": {"b": "2"}}
        # This client's REST layer sends only str bodies as application/apply-patch+yaml; JSON is YAML.
        applied = cms.server_side_apply(body=json.dumps(body), name="dyn", namespace=ns, field_manager="python", force_conflicts=True)
        assert applied.data.b == "2"
        assert any(m.manager == "python" and m.operation == "Apply" for m in applied.metadata.managedFields)
        # A second client reads discovery from the cache file.
        again = dynamic.DynamicClient(api, cache_file=cache)
        assert again.resources.get(api_version="v1", kind="ConfigMap").get(name="dyn", namespace=ns).data.a == "1"
        cms.delete(name="dyn", namespace=ns)


def test_watch_with_resource_version_and_timeout(api):
    core = client.CoreV1Api(api)
    ns = namespace(api, "watch")
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=meta("w1", w="1")))
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=meta("w2", w="2")))
    w = watch.Watch()
    seen = []
    started = time.monotonic()
    for event in w.stream(core.list_namespaced_config_map, ns, label_selector="w", resource_version=rv, timeout_seconds=2):
        seen.append((event["type"], event["object"].metadata.name))
    elapsed = time.monotonic() - started
    assert seen == [("ADDED", "w1"), ("ADDED", "w2")], seen
    assert 1.5 < elapsed < 10, elapsed


def test_defaults_of_webhook_and_storage_kinds(api):
    """Upstream's field defaults, as the typed Python models read them back."""
    admission = client.AdmissionregistrationV1Api(api)
    hook = client.V1ValidatingWebhook(
        name=f"{PREFIX}.hooks.example.com",
        client_config=client.AdmissionregistrationV1WebhookClientConfig(service=client.AdmissionregistrationV1ServiceReference(namespace="default", name="hooks")),
        rules=[client.V1RuleWithOperations(operations=["CREATE"], api_groups=["example.com"], api_versions=["v1"], resources=["widgets"])],
        side_effects="None",
        admission_review_versions=["v1"],
    )
    config_name = f"{PREFIX}-defaults"
    got = admission.create_validating_webhook_configuration(client.V1ValidatingWebhookConfiguration(metadata=meta(config_name), webhooks=[hook])).webhooks[0]
    assert (got.failure_policy, got.match_policy, got.timeout_seconds, got.client_config.service.port, got.rules[0].scope) == ("Fail", "Equivalent", 10, 443, "*")
    assert got.namespace_selector is not None and got.object_selector is not None
    admission.delete_validating_webhook_configuration(config_name)

    storage = client.StorageV1Api(api)
    driver = f"{PREFIX}.csi.example.com"
    spec = storage.create_csi_driver(client.V1CSIDriver(metadata=meta(driver), spec=client.V1CSIDriverSpec())).spec
    assert (spec.attach_required, spec.pod_info_on_mount, spec.fs_group_policy, spec.volume_lifecycle_modes) == (True, False, "ReadWriteOnceWithFSType", ["Persistent"])
    attachment = client.V1VolumeAttachment(
        metadata=meta(f"{PREFIX}-attach"),
        spec=client.V1VolumeAttachmentSpec(attacher=driver, node_name="nowhere", source=client.V1VolumeAttachmentSource(persistent_volume_name="pv-x")),
    )
    assert storage.create_volume_attachment(attachment).status.attached is False
    storage.delete_volume_attachment(f"{PREFIX}-attach")
    storage.delete_csi_driver(driver)
