from dgportal_crawler.cli import main

raise SystemExit(main())
