Subject: <?cs var:Mail.Subject ?>
<?cs var:Mail.Text ?>

<?cs var:Shop.Name ?>
<?cs if:Mail.UnsubscribeSample ?><?cs include:"mail/unsubscribe-footer.txt.cs" ?><?cs /if ?>