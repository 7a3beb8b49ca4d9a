from django.apps import AppConfig


class ImagesSyncConfig(AppConfig):
    name = "khaos_sync.sync.images"
    label = "khaos_images"
    verbose_name = "Khaos images"

    def ready(self) -> None:
        from khaos_sync.sync.core.permissions import IMPORT_IMAGES, VIEW
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.images.jobs import process_pending_jobs

        # Files arrive when a person sends them, so the flow is never scheduled;
        # the worker only picks up jobs whose process stopped half way.
        register_flow(
            FlowSpec(
                name="images",
                label="Images",
                run_once=process_pending_jobs,
                order=50,
                urls="khaos_sync.sync.images.urls",
                navigation=(("Image import", "khaos-images:index"),),
                view_permission=IMPORT_IMAGES,
                permissions={"job": VIEW, "progress": VIEW},
            )
        )
