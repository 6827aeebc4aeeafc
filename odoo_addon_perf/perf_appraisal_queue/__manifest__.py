{
    "name": "Performance Appraisal - Background Jobs",
    "summary": "Large cycles start, compute, calibrate and publish in background jobs (OCA queue_job), "
               "in chunks of whole distribution groups shared by the job runner's workers",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Appraisals",
    "website": "https://github.com/perfcore/perfcore",
    "author": "perfcore",
    "license": "LGPL-3",
    "depends": ["perf_appraisal", "queue_job"],
    "data": [
        "data/perf_queue_data.xml",
        "views/perf_cycle_views.xml",
    ],
    "auto_install": True,
}
