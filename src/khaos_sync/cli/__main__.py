from khaos_sync.cli.main import main

main()
