{
    "name": "Performance Appraisal - Payroll",
    "summary": "Performance pay from perf_appraisal flows into OCA payroll payslips (input PERF), never twice",
    "version": "18.0.1.1.0",
    "category": "Human Resources/Payroll",
    "website": "https://github.com/perfcore/perfcore",
    "author": "perfcore",
    "license": "LGPL-3",
    "depends": ["perf_appraisal", "payroll"],
    "data": [
        "security/ir.model.access.csv",
        "security/perf_payroll_rules.xml",
        "data/perf_payroll_data.xml",
        "views/hr_payslip_views.xml",
        "views/perf_pay_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
